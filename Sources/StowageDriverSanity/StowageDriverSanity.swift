// Module `StowageDriverSanity`: see README.md beside this file.
