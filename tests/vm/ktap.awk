# SPDX-License-Identifier: GPL-2.0
#
# Parses the guest runner's KTAP (see guest/runner.sh) into leaf results.
#   awk -v prefix="6.1: " -v results=FILE -v details=DIR -v meta=FILE -f ktap.awk ktap.log
#
# results: one "pass|fail|skip<TAB>name" line per leaf test.  A leaf is a
#   result line with no deeper result lines before it (since the previous
#   result at its level or above): the test cases of a program, or the
#   program itself when it printed no nested results, or a guest check.
#   A program whose own result is "not ok" while none of its test cases
#   failed (crash, timeout, bad exit status) also counts as one failure.
#   A program that started but never got a result (VM died) is a failure.
#   So is a program whose own plan ("1..N") does not match the number of
#   its test cases.
# details: for failure number i, file DIR/i holds the output leading to it.
# meta: "plan=N results=M done=0|1" of the top-level document.

function indent_of(s) { match(s, /^ */); return RLENGTH }

function emit(status, name, text,   f) {
	print status "\t" prefix name >> results
	if (status == "fail") {
		nfail++
		f = details "/" nfail
		printf "%s\n", prefix name > f
		printf "%s", text >> f
		close(f)
	}
}

# Tail of the current program's output (its last 60 lines).
function section_tail(   i, s, from) {
	s = ""
	from = nsec > 60 ? nsec - 60 + 1 : 1
	for (i = from; i <= nsec; i++)
		s = s sec[i] "\n"
	return s
}

function reset_section(   d) {
	nsec = 0; nleaf = 0; nfailed_leaf = 0; block = ""
	subind = -1; subplan = -1; subcount = 0
	for (d in child) delete child[d]
}

BEGIN {
	plan = -1; ntop = 0; done = 0; current = ""; nfail = 0
	reset_section()
}

{
	sub(/\r$/, "")
	line = $0
}

/^# iogroup-vm: done/ { done = 1 }
/^# run / { current = substr(line, 7) }
/^1\.\.[0-9]+/ && plan < 0 { plan = substr(line, 4) + 0 }

{
	ind = indent_of(line)
	body = substr(line, ind + 1)
	if (ind > 0) { sec[++nsec] = line }
	block = block line "\n"
	# kselftest_harness: "#  RUN           fixture.test ..."
	if (body ~ /^# +RUN +[^ ]+ \.\.\./) {
		lastrun = body
		sub(/^# +RUN +/, "", lastrun)
		sub(/ \.\.\..*/, "", lastrun)
	}
	# The program's own plan: the first "1..N" inside its section.
	if (ind > 0 && subind < 0 && body ~ /^1\.\.[0-9]+/) {
		subind = ind
		subplan = substr(body, 4) + 0
	}
	if (body !~ /^(not )?ok [0-9]+/)
		next

	ok = body ~ /^ok/
	name = body
	sub(/^(not )?ok [0-9]+ *(- )?/, "", name)
	directive = ""
	if (name ~ /^#/) {
		# "ok 3 # SKIP reason": the 6.1 harness names skipped tests so.
		directive = name
		sub(/^# */, "", directive)
		name = lastrun != "" ? lastrun : "#" substr(body, 1)
	} else if (match(name, / # /)) {
		directive = substr(name, RSTART + 3)
		name = substr(name, 1, RSTART - 1)
	}
	skip = directive ~ /^[Ss][Kk][Ii][Pp]/
	xfail = directive ~ /^XFAIL/
	status = skip ? "skip" : (ok || xfail ? "pass" : "fail")

	lastrun = ""
	leaf = !(child[ind] > 0)
	for (d in child) {
		if (d + 0 >= ind) child[d] = 0
	}
	for (d = 0; d < ind; d++) child[d]++

	if (ind > 0 && ind == subind) subcount++
	if (ind > 0) {
		# A test case of the current program.
		if (leaf) {
			emit(status, (current != "" ? current : "?") ": " name, block)
			nleaf++
			if (status == "fail") nfailed_leaf++
		}
		block = ""
		next
	}

	# A top-level result: a program or a guest check.
	ntop++
	if (status == "fail" && nfailed_leaf == 0) {
		# Crash, timeout or bad exit status while no test case failed.
		if (leaf)
			emit("fail", name, block)
		else
			emit("fail", name ": " (directive != "" ? directive : "exit status"), section_tail())
	} else if (status != "fail" && subplan >= 0 && subcount != subplan) {
		# Test cases went missing although the program claims success.
		emit("fail", name ": planned " subplan " test cases, ran " subcount, section_tail())
	} else if (leaf) {
		emit(status, name, block)
	}
	current = ""
	reset_section()
	child[0] = 0
}

END {
	if (current != "") {
		emit("fail", current ": no result (VM died or hung while it ran)", section_tail())
	}
	printf "plan=%d results=%d done=%d\n", plan, ntop, done > meta
}
