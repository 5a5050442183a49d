// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/lazyfpu: the system device and its discovery ioctls.
 *
 * Opening the device gives a "system fd" that, as in KVM, answers
 * questions about the module (API version, capabilities) and creates VMs.
 * The handlers keep no per-open state, so the device needs no open() or
 * release(): each VM is a file of its own.
 */
#include <linux/export.h>
#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu.h>

#include "../fpu/fpu.h"
#include "vmm.h"

/**
 * lfpu_check_extension() - LAZYFPU_CHECK_EXTENSION
 * @vm: NULL on the system fd; on a VM fd, the VM, whose vector length
 *	setting decides the state size and vector width, and whose limits
 *	were fixed when it was created
 * @cap: LAZYFPU_CAP_*
 *
 * Context: process context.  Return: 0 for an absent capability.
 */
long lfpu_check_extension(struct lfpu_vm *vm, unsigned long cap)
{
	u32 vector_bytes = vm ? READ_ONCE(vm->vector_bytes) : 0;

	switch (cap) {
	case LAZYFPU_CAP_FPU_STATE_SIZE:
		return lfpu_arch_state_size(vector_bytes);
	case LAZYFPU_CAP_FP_POLICIES:
		return BIT(LAZYFPU_FP_POLICY_LAZY) | BIT(LAZYFPU_FP_POLICY_PER_RUN) |
		       BIT(LAZYFPU_FP_POLICY_EAGER);
	case LAZYFPU_CAP_MAX_VCPUS:
		return vm ? vm->max_vcpus : lfpu_limit_max_vcpus();
	case LAZYFPU_CAP_MAX_MEMORY:
		return vm ? vm->max_memory : lfpu_limit_max_memory();
	case LAZYFPU_CAP_MAX_VMS:
		return lfpu_limit_max_vms();
	case LAZYFPU_CAP_BACKENDS:
		return lfpu_fpu_backend_mask();
	case LAZYFPU_CAP_VECTOR_BYTES:
		return vector_bytes ? vector_bytes : lfpu_fpu_vector_bytes();
	case LAZYFPU_CAP_ARM64_SVE_VQS:
		return lfpu_fpu_sve_vq_map();
	case LAZYFPU_CAP_NO_FP_TRACKING:
		return !LFPU_FP_TRACKING;
	default:
		/* Unknown capabilities are absent, not errors (KVM rule). */
		return 0;
	}
}

/**
 * lfpu_system_ioctl() - handle one ioctl on the system fd
 * @cmd: ioctl number
 * @arg: ioctl argument
 *
 * Context: process context; may be called concurrently.
 * Return: the ioctl's result, -EINVAL for a non-zero unused argument, or
 * -ENOTTY for an ioctl the system fd does not implement.
 */
long lfpu_system_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LAZYFPU_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return LAZYFPU_API_VERSION;
	case LAZYFPU_CHECK_EXTENSION:
		return lfpu_check_extension(NULL, arg);
	case LAZYFPU_CREATE_VM:
		return lfpu_create_vm(arg);
	case LAZYFPU_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_system_ioctl);

static long lfpu_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	return lfpu_system_ioctl(cmd, arg);
}

static const struct file_operations lfpu_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lfpu_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice lfpu_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lazyfpu",
	.fops	= &lfpu_dev_fops,
	.mode	= 0666,
};

/**
 * lfpu_dev_init() - create /dev/lazyfpu
 *
 * Context: process context, module init.  The device becomes usable the
 * moment this returns, so everything its ioctls rely on must be ready.
 */
int __init lfpu_dev_init(void)
{
	return misc_register(&lfpu_miscdev);
}

/**
 * lfpu_dev_exit() - remove /dev/lazyfpu
 *
 * Context: process context, module exit.  No fd can be open: each holds a
 * reference on the module through fops->owner.
 */
void lfpu_dev_exit(void)
{
	misc_deregister(&lfpu_miscdev);
}
