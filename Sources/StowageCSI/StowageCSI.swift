// Module `StowageCSI`: see README.md beside this file.
