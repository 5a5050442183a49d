// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: the vCPU fd, its shared run page and its ioctls.
 */
#include <linux/export.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/refcount.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "vmm.h"

/**
 * lfpu_abi_check_regs() - validate LAZYFPU_SET_REGS input
 * @regs: the ioctl argument
 *
 * Context: any.  Return: 0 or -EINVAL.
 */
int lfpu_abi_check_regs(const struct lazyfpu_regs *regs)
{
	return regs->flags || regs->pad ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_abi_check_regs);

/**
 * lfpu_abi_check_fpu() - validate struct lazyfpu_fpu (GET_FPU, SET_FPU)
 * @fpu: the ioctl argument
 * @state_size: what LAZYFPU_CAP_FPU_STATE_SIZE reports for the vCPU's VM
 *
 * Context: any.  Return: 0 or -EINVAL.  The state inside the buffer is
 * validated by the backend (SET_FPU).
 */
int lfpu_abi_check_fpu(const struct lazyfpu_fpu *fpu, u32 state_size)
{
	return fpu->flags || fpu->size != state_size ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_abi_check_fpu);

static int lfpu_vcpu_get_regs(struct lfpu_vcpu *vcpu, void __user *argp)
{
	struct lazyfpu_regs regs = {};

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	memcpy(regs.gpr, vcpu->gpr, sizeof(regs.gpr));
	regs.pc = vcpu->pc;
	mutex_unlock(&vcpu->mutex);

	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static int lfpu_vcpu_set_regs(struct lfpu_vcpu *vcpu, void __user *argp)
{
	struct lazyfpu_regs regs;
	int ret;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	ret = lfpu_abi_check_regs(&regs);
	if (ret)
		return ret;

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	memcpy(vcpu->gpr, regs.gpr, sizeof(vcpu->gpr));
	vcpu->pc = regs.pc;
	/* New registers abandon an IN the guest was waiting for. */
	vcpu->pending_in = -1;
	mutex_unlock(&vcpu->mutex);
	return 0;
}

/*
 * GET_FPU and SET_FPU go through a kernel buffer: the state is copied
 * from or to the backend under the vCPU mutex, and user memory is touched
 * outside it, so a faulting user buffer never holds the mutex.
 */
static int lfpu_vcpu_fpu_ioctl(struct lfpu_vcpu *vcpu, void __user *argp, bool set)
{
	u32 size = vcpu->fp.state_size;
	struct lazyfpu_fpu fpu;
	void __user *ubuf;
	void *buf;
	int ret;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	ret = lfpu_abi_check_fpu(&fpu, size);
	if (ret)
		return ret;
	ubuf = u64_to_user_ptr(fpu.addr);

	buf = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;

	if (set && copy_from_user(buf, ubuf, size)) {
		ret = -EFAULT;
		goto out;
	}

	if (mutex_lock_killable(&vcpu->mutex)) {
		ret = -EINTR;
		goto out;
	}
	ret = set ? lfpu_fp_set_state(&vcpu->fp, buf) : lfpu_fp_get_state(&vcpu->fp, buf);
	mutex_unlock(&vcpu->mutex);

	if (!ret && !set && copy_to_user(ubuf, buf, size))
		ret = -EFAULT;
out:
	kvfree(buf);
	return ret;
}

static int lfpu_vcpu_get_stats(struct lfpu_vcpu *vcpu, void __user *argp)
{
	struct lazyfpu_vcpu_stats st = {};
	int i;

	lfpu_fp_read_stats(&vcpu->fp, &st);
	st.instructions = READ_ONCE(vcpu->stats.instructions);
	for (i = 0; i < LAZYFPU_EXIT_NR; i++)
		st.exits[i] = READ_ONCE(vcpu->stats.exits[i]);

	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static long lfpu_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lfpu_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;

	if (vcpu->vm->mm != current->mm)
		return -EIO;

	switch (cmd) {
	case LAZYFPU_RUN:
		return arg ? -EINVAL : lfpu_vcpu_run(vcpu);
	case LAZYFPU_GET_REGS:
		return lfpu_vcpu_get_regs(vcpu, argp);
	case LAZYFPU_SET_REGS:
		return lfpu_vcpu_set_regs(vcpu, argp);
	case LAZYFPU_GET_FPU:
		return lfpu_vcpu_fpu_ioctl(vcpu, argp, false);
	case LAZYFPU_SET_FPU:
		return lfpu_vcpu_fpu_ioctl(vcpu, argp, true);
	case LAZYFPU_GET_STATS:
		return lfpu_vcpu_get_stats(vcpu, argp);
	default:
		return -ENOTTY;
	}
}

/* The run page for a mapping of the vCPU fd; anything past it is SIGBUS. */
static vm_fault_t lfpu_vcpu_fault(struct vm_fault *vmf)
{
	struct lfpu_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct lfpu_vcpu_vm_ops = {
	.fault = lfpu_vcpu_fault,
};

/* mmap of the vCPU fd: the struct lazyfpu_run page, at offset 0 only. */
static int lfpu_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lfpu_vcpu *vcpu = file->private_data;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (vma->vm_pgoff || vma_pages(vma) > 1)
		return -EINVAL;
	lfpu_vm_mmap_setup(vma, &lfpu_vcpu_vm_ops);
	return 0;
}

static int lfpu_vcpu_release(struct inode *inode, struct file *file)
{
	struct lfpu_vcpu *vcpu = file->private_data;

	lfpu_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations lfpu_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lfpu_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lfpu_vcpu_mmap,
	.release	= lfpu_vcpu_release,
	.llseek		= noop_llseek,
};

/**
 * lfpu_vcpu_free() - free a vCPU (with its VM)
 * @vcpu: the vCPU
 *
 * Context: process context; no fd of the VM is open, so nothing runs.
 */
void lfpu_vcpu_free(struct lfpu_vcpu *vcpu)
{
	lfpu_fp_vcpu_destroy(&vcpu->fp);
	free_page((unsigned long)vcpu->run);
	mutex_destroy(&vcpu->mutex);
	kfree(vcpu);
}

/**
 * lfpu_vcpu_create_fd() - LAZYFPU_CREATE_VCPU
 * @vm: the VM
 * @id: 0..LAZYFPU_CAP_MAX_VCPUS-1 (the VM's max_vcpus), unique in the VM
 *
 * Context: process context.  Return: the vCPU fd, or -EINVAL (bad id),
 * -EEXIST (id taken), -ENOMEM, -EMFILE.
 */
int lfpu_vcpu_create_fd(struct lfpu_vm *vm, unsigned long id)
{
	struct lfpu_vcpu *vcpu;
	int ret;

	if (id >= vm->max_vcpus)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}
	mutex_init(&vcpu->mutex);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->pending_in = -1;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		ret = -EEXIST;
		goto fail_unlock;
	}
	ret = lfpu_fp_vcpu_init(&vcpu->fp, vm->policy, vm->vector_bytes, vm->id, id);
	if (ret)
		goto fail_unlock;
	lfpu_vcpu_run_init(vcpu);

	/*
	 * The vCPU fd's VM reference is taken before the fd exists, since
	 * userspace may close the fd the moment it is installed.  On failure
	 * it cannot be the last reference: our caller's VM fd holds one.
	 */
	kref_get(&vm->refs);
	ret = anon_inode_getfd("lazyfpu-vcpu", &lfpu_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		refcount_dec(&vm->refs.refcount);
		lfpu_fp_vcpu_destroy(&vcpu->fp);
		goto fail_unlock;
	}
	vm->vcpus[id] = vcpu;
	vm->nr_vcpus++;
	mutex_unlock(&vm->lock);
	return ret;

fail_unlock:
	mutex_unlock(&vm->lock);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	return ret;
}
