// SPDX-License-Identifier: GPL-2.0
/* The kselftest harness's output, as the pipeline sees it. */
#include "kselftest_harness.h"

TEST(passes)
{
	ASSERT_EQ(1, 1);
}

TEST(fails)
{
	EXPECT_EQ(1, 2);
}

TEST(skips)
{
	SKIP(return, "nothing to skip for");
}

FIXTURE(fx) { int v; };
FIXTURE_SETUP(fx) { self->v = 1; }
FIXTURE_TEARDOWN(fx) { }
TEST_F(fx, value)
{
	ASSERT_EQ(1, self->v);
}

TEST_HARNESS_MAIN
