# Standard input is one file named <stdin>.
stdin: stdin-input.alloy.txt
$ alloyc check -
