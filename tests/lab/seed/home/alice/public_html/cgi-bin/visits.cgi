#!/bin/sh
# A page made by a CGI program: its output differs from its source, so a
# host without mod_cgid (which would send this file as is) is noticed.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'alice.test visitor counter: %d visits\n' $((6 * 7))
