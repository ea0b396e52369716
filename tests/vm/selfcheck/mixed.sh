#!/bin/sh
echo "TAP version 13"
echo "1..3"
echo "ok 1 a"
echo "# b: expected 1, got 2"
echo "not ok 2 b"
echo "ok 3 c # SKIP not here"
exit 1
