# --check lists unformatted files and exits 1.
$ alloyc fmt --check ../format/messy.alloy ../format/messy.formatted.alloy ../examples/tickets
