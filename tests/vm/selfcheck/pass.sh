#!/bin/sh
echo "TAP version 13"
echo "1..2"
echo "ok 1 one"
echo "# a diagnostic"
echo "ok 2 - two"
