$ alloyc compile bad-project -o should-not-exist.json
