$ alloyc fmt ../format/messy.alloy
$ alloyc fmt bad-syntax.alloy.txt
