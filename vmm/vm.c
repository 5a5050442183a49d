// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: the VM fd, its guest memory and its ioctls.
 *
 * Guest memory belongs to the VM: vmalloc_user() memory, zeroed, that the
 * VMM maps with mmap() of the VM fd.  The guest engine reads and writes it
 * directly, from inside FP windows that may not sleep or fault, which is
 * why it is kernel memory rather than pinned user pages.
 */
#include <linux/export.h>
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>

#include "vmm.h"

static atomic_t lfpu_next_vm_id = ATOMIC_INIT(0);

static void lfpu_vm_free(struct kref *refs)
{
	struct lfpu_vm *vm = container_of(refs, struct lfpu_vm, refs);
	int i;

	for (i = 0; i < LFPU_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			lfpu_vcpu_free(vm->vcpus[i]);
	vfree(vm->mem);
	mmdrop(vm->mm);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/**
 * lfpu_vm_put() - drop a VM reference; the last one frees the VM
 * @vm: the VM
 *
 * Context: process context, may sleep; no vCPU of the VM is running.
 */
void lfpu_vm_put(struct lfpu_vm *vm)
{
	kref_put(&vm->refs, lfpu_vm_free);
}

/**
 * lfpu_abi_check_guest_memory() - validate LAZYFPU_SET_GUEST_MEMORY
 * @m: the ioctl argument
 *
 * Context: any.  Return: 0 or -EINVAL.
 */
int lfpu_abi_check_guest_memory(const struct lazyfpu_guest_memory *m)
{
	if (m->flags || m->pad)
		return -EINVAL;
	if (!m->size || m->size > LFPU_MAX_MEMORY || !PAGE_ALIGNED(m->size))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_abi_check_guest_memory);

/**
 * lfpu_abi_check_fp_policy() - validate LAZYFPU_SET_FP_POLICY
 * @p: the ioctl argument
 *
 * Context: any.  Return: 0 or -EINVAL.
 */
int lfpu_abi_check_fp_policy(const struct lazyfpu_fp_policy *p)
{
	if (p->flags || p->policy > LAZYFPU_FP_POLICY_EAGER)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_abi_check_fp_policy);

static int lfpu_vm_set_guest_memory(struct lfpu_vm *vm, void __user *argp)
{
	struct lazyfpu_guest_memory m;
	void *mem;
	int ret;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	ret = lfpu_abi_check_guest_memory(&m);
	if (ret)
		return ret;

	mem = vmalloc_user(m.size);
	if (!mem)
		return -ENOMEM;

	mutex_lock(&vm->lock);
	if (vm->mem || vm->nr_vcpus) {
		mutex_unlock(&vm->lock);
		vfree(mem);
		return -EBUSY;
	}
	vm->mem = mem;
	vm->mem_size = m.size;
	mutex_unlock(&vm->lock);
	return 0;
}

/* Settings that shape vCPUs may change only before the first one exists. */
static int lfpu_vm_set_before_vcpus(struct lfpu_vm *vm, u32 *setting, u32 value)
{
	int ret = 0;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus)
		ret = -EBUSY;
	else
		WRITE_ONCE(*setting, value);
	mutex_unlock(&vm->lock);
	return ret;
}

static int lfpu_vm_set_fp_policy(struct lfpu_vm *vm, void __user *argp)
{
	struct lazyfpu_fp_policy p;
	int ret;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	ret = lfpu_abi_check_fp_policy(&p);
	if (ret)
		return ret;

	return lfpu_vm_set_before_vcpus(vm, &vm->policy, p.policy);
}

static int lfpu_vm_set_vector_length(struct lfpu_vm *vm, void __user *argp)
{
	struct lazyfpu_vector_length v;
	int ret;

	if (copy_from_user(&v, argp, sizeof(v)))
		return -EFAULT;
	if (v.flags)
		return -EINVAL;
	ret = lfpu_arch_check_vector_length(v.bytes);
	if (ret)
		return ret;

	return lfpu_vm_set_before_vcpus(vm, &vm->vector_bytes, v.bytes);
}

static long lfpu_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lfpu_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;

	switch (cmd) {
	case LAZYFPU_SET_GUEST_MEMORY:
		return lfpu_vm_set_guest_memory(vm, argp);
	case LAZYFPU_SET_FP_POLICY:
		return lfpu_vm_set_fp_policy(vm, argp);
	case LAZYFPU_CREATE_VCPU:
		return lfpu_vcpu_create_fd(vm, arg);
	case LAZYFPU_SET_VECTOR_LENGTH:
		return lfpu_vm_set_vector_length(vm, argp);
	case LAZYFPU_CHECK_EXTENSION:
		return lfpu_check_extension(vm, arg);
	default:
		return -ENOTTY;
	}
}

/*
 * mmap of the VM fd maps guest memory.  The mapping holds a reference on
 * the file, hence on the VM, so the memory outlives every mapping.
 */
static int lfpu_vm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lfpu_vm *vm = file->private_data;
	int ret;

	if (vm->mm != current->mm)
		return -EIO;

	mutex_lock(&vm->lock);
	if (!vm->mem)
		ret = -EINVAL;
	else
		ret = remap_vmalloc_range(vma, vm->mem, vma->vm_pgoff);
	mutex_unlock(&vm->lock);
	return ret;
}

static int lfpu_vm_release(struct inode *inode, struct file *file)
{
	lfpu_vm_put(file->private_data);
	return 0;
}

static const struct file_operations lfpu_vm_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lfpu_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lfpu_vm_mmap,
	.release	= lfpu_vm_release,
	.llseek		= noop_llseek,
};

/**
 * lfpu_create_vm() - LAZYFPU_CREATE_VM: a new VM and its fd
 * @arg: must be 0
 *
 * Context: process context.  Return: the VM fd, or -EINVAL, -ENOMEM,
 * -EMFILE.
 */
int lfpu_create_vm(unsigned long arg)
{
	struct lfpu_vm *vm;
	int fd;

	if (arg)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->refs);
	mutex_init(&vm->lock);
	vm->id = atomic_inc_return(&lfpu_next_vm_id);
	vm->policy = LAZYFPU_FP_POLICY_LAZY;
	mmgrab(current->mm);
	vm->mm = current->mm;

	fd = anon_inode_getfd("lazyfpu-vm", &lfpu_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		lfpu_vm_put(vm);
	return fd;
}
