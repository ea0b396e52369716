// SPDX-License-Identifier: GPL-2.0
/*
 * noop: a C program that does nothing, built like sysfs_walk (the same
 * compiler flags, glibc shared).  What any listing measured as a process
 * pays before it reads anything: fork, exec, the dynamic loader, exit.
 * make bench times it with the listings, so that what each tool does
 * beyond starting shows in the same run.
 */
int main(void)
{
	return 0;
}
