$ alloyc check missing-folder
