# Errors in human format, with notes, help and a summary.
$ alloyc check bad-project
