$ alloyc explain optional-value
