// Module `StowageClient`: see README.md beside this file.
