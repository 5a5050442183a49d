// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu: lazy FP/SIMD context switching for a minimal VMM.
 *
 * Module load and unload only.  Each subsystem is brought up in dependency
 * order (what an ioctl may need must exist before /dev/lazyfpu does) and
 * torn down in reverse.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/utsname.h>
#include <uapi/linux/lazyfpu.h>

#include "../fpu/fpu.h"
#include "vmm.h"

static int __init lfpu_init(void)
{
	int ret;

	ret = lfpu_fpu_init();
	if (ret)
		return ret;

	lfpu_trace_init();
	lfpu_stats_init();
	lfpu_run_init();

	ret = lfpu_dev_init();
	if (ret)
		goto err_run;

	if (LFPU_KERNEL_UNTESTED)
		pr_warn("Linux %s is newer than %s, the newest kernel lazyfpu was tested on\n",
			utsname()->release, LFPU_NEWEST_TESTED_KERNEL);
	if (!LFPU_FP_TRACKING)
		pr_warn("built without FP tracking, for measurement only: guest FP instructions fault\n");
	pr_info("loaded, API version %d\n", LAZYFPU_API_VERSION);
	return 0;

err_run:
	lfpu_run_exit();
	lfpu_stats_exit();
	lfpu_trace_exit();
	lfpu_fpu_exit();
	return ret;
}

static void __exit lfpu_exit(void)
{
	lfpu_dev_exit();
	lfpu_run_exit();
	lfpu_stats_exit();
	lfpu_trace_exit();
	lfpu_fpu_exit();
	pr_info("unloaded\n");
}

module_init(lfpu_init);
module_exit(lfpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Lazy FP/SIMD context switching for a minimal VMM");
MODULE_AUTHOR("The lazyfpu developers");
