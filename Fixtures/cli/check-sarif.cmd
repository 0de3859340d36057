$ alloyc check --format sarif bad-project
