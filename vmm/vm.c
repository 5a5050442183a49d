// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: the VM fd, its guest memory and its ioctls.
 *
 * Guest memory belongs to the VM: vmalloc memory, zeroed and charged to
 * the creating process's memory cgroup, that the VMM maps with mmap() of
 * the VM fd.  The guest engine reads and writes it directly, from inside
 * FP windows that may not sleep or fault, which is why it is kernel memory
 * rather than pinned user pages.  Mappings are filled page by page by a
 * fault handler, so madvise(MADV_DONTNEED) only drops page table entries:
 * the next touch maps the same page again.
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
	lfpu_limit_vm_put(vm->mm);
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
 * @max_memory: the VM's limit (LAZYFPU_CAP_MAX_MEMORY on its fd)
 *
 * Context: any.  Return: 0 or -EINVAL.
 */
int lfpu_abi_check_guest_memory(const struct lazyfpu_guest_memory *m, u64 max_memory)
{
	if (m->flags || m->pad)
		return -EINVAL;
	if (!m->size || m->size > max_memory || !PAGE_ALIGNED(m->size))
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
	ret = lfpu_abi_check_guest_memory(&m, vm->max_memory);
	if (ret)
		return ret;

	/*
	 * Charged, and allowed to fail rather than invoke the OOM killer or
	 * warn: a user over its memory cgroup's limit gets -ENOMEM.
	 */
	mem = __vmalloc(m.size, GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_RETRY_MAYFAIL |
			__GFP_NOWARN);
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
 * A page of guest memory for a mapping of the VM fd.  The mapping exists
 * only once the memory is set (lfpu_vm_mmap()), and the memory never
 * changes after that, and a mapping cannot grow past it (VM_DONTEXPAND).
 */
static vm_fault_t lfpu_vm_fault(struct vm_fault *vmf)
{
	struct lfpu_vm *vm = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff >= vm->mem_size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(vm->mem + (vmf->pgoff << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lfpu_vm_vm_ops = {
	.fault = lfpu_vm_fault,
};

/**
 * lfpu_vm_mmap_setup() - finish a mapping of a VM or vCPU fd
 * @vma: the new mapping, already checked to lie within the object
 * @ops: the object's fault handler
 *
 * VM_DONTEXPAND keeps the mapping from growing past what ->mmap checked:
 * mremap() may not expand it, and the kernel never merges a later mmap of
 * the next pages of the same file into it, which would skip ->mmap and
 * its bounds check altogether.
 *
 * Context: the ->mmap handler (mmap_lock held for writing).
 */
void lfpu_vm_mmap_setup(struct vm_area_struct *vma, const struct vm_operations_struct *ops)
{
	lfpu_vm_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = ops;
}

/*
 * mmap of the VM fd maps guest memory, which must already be set and
 * cover the whole mapping (-EINVAL).  The mapping holds a reference on the
 * file, hence on the VM, so the memory outlives every mapping.
 */
static int lfpu_vm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lfpu_vm *vm = file->private_data;
	unsigned long pages;
	int ret = 0;

	if (vm->mm != current->mm)
		return -EIO;

	mutex_lock(&vm->lock);
	pages = vm->mem_size >> PAGE_SHIFT;
	if (!vm->mem || vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		ret = -EINVAL;
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	lfpu_vm_mmap_setup(vma, &lfpu_vm_vm_ops);
	return 0;
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
 * -EMFILE, -ENOSPC (the process has max_vms_per_process VMs).
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
	fd = lfpu_limit_vm_get(current->mm);
	if (fd) {
		kfree(vm);
		return fd;
	}
	lfpu_limits_for_new_vm(vm);
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
