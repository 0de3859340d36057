$ alloyc check --format github bad-project
