# SPDX-License-Identifier: GPL-2.0
#
# Count the leaf results of a KTAP document (the guest's result channel).
#
# A result line is a leaf when no deeper-indented KTAP line (a plan, a
# version line or a result) appeared since the previous line at its own
# indentation: results that merely summarise their children are not
# counted, so each test case counts once however deeply it is nested.
# Prints "passed failed skipped".

function indent_of(s) { match(s, /^ */); return RLENGTH }

/^ *(KTAP version [0-9]+|1\.\.[0-9]+)$/ {
	d = indent_of($0)
	for (i = 0; i < d; i++) children[i] = 1
	next
}

/^ *(ok|not ok) [0-9]+/ {
	d = indent_of($0)
	for (i = 0; i < d; i++) children[i] = 1
	if (!children[d]) {
		if ($0 ~ /^ *not ok /) failed++
		else if ($0 ~ /# *SKIP/) skipped++
		else passed++
	}
	children[d] = 0
}

END { printf "%d %d %d\n", passed, failed, skipped }
