// SPDX-License-Identifier: GPL-2.0
/* Helpers over the /dev/lazyfpu ioctls; see vmm.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asm.h"
#include "vmm.h"

int lfpu_vm_create(struct lfpu_vm *vm, size_t mem_size, int policy)
{
	struct lazyfpu_guest_memory m = { .size = mem_size };
	struct lazyfpu_fp_policy p = { .policy = (uint32_t)policy };
	int saved;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->sys_fd = open("/dev/lazyfpu", O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		return -1;
	vm->vm_fd = ioctl(vm->sys_fd, LAZYFPU_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		goto fail;
	if (ioctl(vm->vm_fd, LAZYFPU_SET_FP_POLICY, &p) ||
	    ioctl(vm->vm_fd, LAZYFPU_SET_GUEST_MEMORY, &m))
		goto fail;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vm_fd, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		goto fail;
	}
	vm->mem_size = mem_size;
	return 0;
fail:
	saved = errno;
	lfpu_vm_destroy(vm);
	errno = saved;
	return -1;
}

int lfpu_vm_load(struct lfpu_vm *vm, const char *source, char *err, size_t errlen)
{
	struct lfpu_image img;

	if (lfpu_assemble(source, &img, err, errlen))
		return -1;
	if (img.size > vm->mem_size) {
		lfpu_image_free(&img);
		errno = E2BIG;
		return -1;
	}
	memcpy(vm->mem, img.bytes, img.size);
	lfpu_image_free(&img);
	return 0;
}

void lfpu_vm_destroy(struct lfpu_vm *vm)
{
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->sys_fd = -1;
}

int lfpu_vcpu_create(struct lfpu_vm *vm, struct lfpu_vcpu *vcpu, int id)
{
	long size = ioctl(vm->sys_fd, LAZYFPU_GET_VCPU_MMAP_SIZE, 0);

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->id = id;
	if (size <= 0)
		return -1;
	vcpu->fd = ioctl(vm->vm_fd, LAZYFPU_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return -1;
	vcpu->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		int saved = errno;

		close(vcpu->fd);
		errno = saved;
		return -1;
	}
	return 0;
}

void lfpu_vcpu_destroy(struct lfpu_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, (size_t)sysconf(_SC_PAGESIZE));
	if (vcpu->fd > 0)
		close(vcpu->fd);
	memset(vcpu, 0, sizeof(*vcpu));
}

int lfpu_vcpu_run(struct lfpu_vcpu *vcpu)
{
	return ioctl(vcpu->fd, LAZYFPU_RUN, 0);
}

int lfpu_vcpu_stats(struct lfpu_vcpu *vcpu, struct lazyfpu_vcpu_stats *st)
{
	return ioctl(vcpu->fd, LAZYFPU_GET_STATS, st);
}

long lfpu_fpu_state_size(struct lfpu_vm *vm)
{
	return ioctl(vm->sys_fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE);
}

int lfpu_vcpu_get_fpu(struct lfpu_vcpu *vcpu, void *buf, uint32_t size)
{
	struct lazyfpu_fpu f = { .addr = (uintptr_t)buf, .size = size };

	return ioctl(vcpu->fd, LAZYFPU_GET_FPU, &f);
}

int lfpu_vcpu_set_fpu(struct lfpu_vcpu *vcpu, const void *buf, uint32_t size)
{
	struct lazyfpu_fpu f = { .addr = (uintptr_t)buf, .size = size };

	return ioctl(vcpu->fd, LAZYFPU_SET_FPU, &f);
}

const char *lfpu_exit_name(uint32_t reason)
{
	static const char *const names[LAZYFPU_EXIT_NR] = {
		"none", "io", "hlt", "fault", "hypercall", "yield", "preempt", "intr",
	};

	return reason < LAZYFPU_EXIT_NR ? names[reason] : "?";
}

const char *lfpu_backend_name(uint32_t backend)
{
	switch (backend) {
	case LAZYFPU_BACKEND_X86_FPSTATE_SWAP:
		return "x86-fpstate-swap";
	case LAZYFPU_BACKEND_X86_XSAVE:
		return "x86-xsave";
	case LAZYFPU_BACKEND_ARM64_NEON:
		return "arm64-neon";
	case LAZYFPU_BACKEND_ARM64_SVE:
		return "arm64-sve";
	default:
		return "?";
	}
}

static const char *const policy_names[] = { "lazy", "per-run", "eager" };

const char *lfpu_policy_name(int policy)
{
	return policy >= 0 && policy < 3 ? policy_names[policy] : "?";
}

int lfpu_policy_from_name(const char *name)
{
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(name, policy_names[i]))
			return i;
	return -1;
}
