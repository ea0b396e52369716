#!/bin/sh
# Claims success but ran 1 of its 3 planned test cases.
echo "TAP version 13"
echo "1..3"
echo "ok 1 only one"
exit 0
