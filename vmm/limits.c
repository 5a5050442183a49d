// SPDX-License-Identifier: GPL-2.0
/*
 * What one local user may make the module allocate.
 *
 * /dev/lazyfpu is open to every local user, so everything a user can make
 * the module allocate is charged to the user's memory cgroup
 * (GFP_KERNEL_ACCOUNT) and bounded here, with limits root can change as
 * module parameters:
 *
 *   max_vms_per_process	VMs alive per creating process (-ENOSPC)
 *   max_vcpus_per_vm		vCPU ids run from 0 to this - 1 (-EINVAL)
 *   max_memory_per_vm		bytes of guest memory per VM (-EINVAL)
 *
 * A VM takes its vCPU and memory limits when it is created, so a VM never
 * sees them change under it; the VM count is kept per mm_struct, which a
 * VM pins (mmgrab()) for its whole life, so the key stays valid and unique
 * until the last of the process's VMs is gone, however long mappings or
 * inherited fds keep them alive after the process itself exits.
 */
#include <linux/errno.h>
#include <linux/hashtable.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "vmm.h"

/* The largest values root may set; the defaults are in the parameters. */
#define LFPU_MAX_VMS_PER_PROCESS	4096
#define LFPU_MAX_MEMORY_PER_VM		(16ULL << 30)

static unsigned int lfpu_max_vms_per_process = 16;
static unsigned int lfpu_max_vcpus_per_vm = LFPU_MAX_VCPUS;
static unsigned long long lfpu_max_memory_per_vm = 64ULL << 20;

/* Parse @val; -EINVAL unless it lies in [@min, @max] and is a multiple of @align. */
static int lfpu_param_set_bounded(const char *val, const struct kernel_param *kp,
				  unsigned long long min, unsigned long long max,
				  unsigned long long align)
{
	unsigned long long v;
	int ret = kstrtoull(val, 0, &v);

	if (ret)
		return ret;
	if (v < min || v > max || v % align)
		return -EINVAL;
	if (kp->arg == &lfpu_max_memory_per_vm)
		WRITE_ONCE(lfpu_max_memory_per_vm, v);
	else
		WRITE_ONCE(*(unsigned int *)kp->arg, (unsigned int)v);
	return 0;
}

static int lfpu_param_set_vms(const char *val, const struct kernel_param *kp)
{
	return lfpu_param_set_bounded(val, kp, 1, LFPU_MAX_VMS_PER_PROCESS, 1);
}

static int lfpu_param_set_vcpus(const char *val, const struct kernel_param *kp)
{
	return lfpu_param_set_bounded(val, kp, 1, LFPU_MAX_VCPUS, 1);
}

/* Guest memory comes in pages. */
static int lfpu_param_set_memory(const char *val, const struct kernel_param *kp)
{
	return lfpu_param_set_bounded(val, kp, PAGE_SIZE, LFPU_MAX_MEMORY_PER_VM, PAGE_SIZE);
}

static const struct kernel_param_ops lfpu_vms_ops = {
	.set = lfpu_param_set_vms,
	.get = param_get_uint,
};

static const struct kernel_param_ops lfpu_vcpus_ops = {
	.set = lfpu_param_set_vcpus,
	.get = param_get_uint,
};

static const struct kernel_param_ops lfpu_memory_ops = {
	.set = lfpu_param_set_memory,
	.get = param_get_ullong,
};

module_param_cb(max_vms_per_process, &lfpu_vms_ops, &lfpu_max_vms_per_process, 0644);
MODULE_PARM_DESC(max_vms_per_process,
		 "VMs one process may have alive at once (1-4096, default 16)");
module_param_cb(max_vcpus_per_vm, &lfpu_vcpus_ops, &lfpu_max_vcpus_per_vm, 0644);
MODULE_PARM_DESC(max_vcpus_per_vm, "vCPUs per VM, for VMs created from now on (1-64, default 64)");
module_param_cb(max_memory_per_vm, &lfpu_memory_ops, &lfpu_max_memory_per_vm, 0644);
MODULE_PARM_DESC(max_memory_per_vm,
		 "guest memory bytes per VM, for VMs created from now on (pages, up to 16 GiB, default 64 MiB)");

/* Live VMs per creating process. */
struct lfpu_mm_vms {
	struct hlist_node node;
	struct mm_struct *mm;
	unsigned int nr_vms;
};

static DEFINE_HASHTABLE(lfpu_mm_vms_table, 6);
static DEFINE_MUTEX(lfpu_mm_vms_lock);

static struct lfpu_mm_vms *lfpu_mm_vms_find(struct mm_struct *mm)
{
	struct lfpu_mm_vms *entry;

	lockdep_assert_held(&lfpu_mm_vms_lock);
	hash_for_each_possible(lfpu_mm_vms_table, entry, node, (unsigned long)mm)
		if (entry->mm == mm)
			return entry;
	return NULL;
}

/**
 * lfpu_limit_vm_get() - count one more VM against @mm's limit
 * @mm: the creating process's mm, pinned by the caller for the VM's life
 *
 * Context: process context, may sleep.  Return: 0; -ENOSPC when the
 * process already has max_vms_per_process VMs; -ENOMEM.
 */
int lfpu_limit_vm_get(struct mm_struct *mm)
{
	struct lfpu_mm_vms *entry;
	int ret = 0;

	mutex_lock(&lfpu_mm_vms_lock);
	entry = lfpu_mm_vms_find(mm);
	if (!entry) {
		entry = kzalloc(sizeof(*entry), GFP_KERNEL_ACCOUNT);
		if (!entry) {
			ret = -ENOMEM;
			goto out;
		}
		entry->mm = mm;
		hash_add(lfpu_mm_vms_table, &entry->node, (unsigned long)mm);
	}
	if (entry->nr_vms >= READ_ONCE(lfpu_max_vms_per_process)) {
		ret = -ENOSPC;
		if (!entry->nr_vms) {
			hash_del(&entry->node);
			kfree(entry);
		}
		goto out;
	}
	entry->nr_vms++;
out:
	mutex_unlock(&lfpu_mm_vms_lock);
	return ret;
}

/**
 * lfpu_limit_vm_put() - a VM of @mm is gone
 * @mm: as given to the lfpu_limit_vm_get() that counted it
 *
 * Context: process context, may sleep.
 */
void lfpu_limit_vm_put(struct mm_struct *mm)
{
	struct lfpu_mm_vms *entry;

	mutex_lock(&lfpu_mm_vms_lock);
	entry = lfpu_mm_vms_find(mm);
	if (!WARN_ON_ONCE(!entry || !entry->nr_vms) && !--entry->nr_vms) {
		hash_del(&entry->node);
		kfree(entry);
	}
	mutex_unlock(&lfpu_mm_vms_lock);
}

/**
 * lfpu_limits_for_new_vm() - the limits a VM created now will keep
 * @vm: the new VM; its max_vcpus and max_memory are filled in
 *
 * Context: any.
 */
void lfpu_limits_for_new_vm(struct lfpu_vm *vm)
{
	vm->max_vcpus = READ_ONCE(lfpu_max_vcpus_per_vm);
	vm->max_memory = READ_ONCE(lfpu_max_memory_per_vm);
}

/**
 * lfpu_limit_max_vms() - max_vms_per_process now
 *
 * Context: any.
 */
u32 lfpu_limit_max_vms(void)
{
	return READ_ONCE(lfpu_max_vms_per_process);
}

/**
 * lfpu_limit_max_vcpus() - max_vcpus_per_vm now, for VMs created from now on
 *
 * Context: any.
 */
u32 lfpu_limit_max_vcpus(void)
{
	return READ_ONCE(lfpu_max_vcpus_per_vm);
}

/**
 * lfpu_limit_max_memory() - max_memory_per_vm now, for VMs created from now on
 *
 * Context: any.
 */
u64 lfpu_limit_max_memory(void)
{
	return READ_ONCE(lfpu_max_memory_per_vm);
}
