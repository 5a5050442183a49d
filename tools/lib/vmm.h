/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the command-line VMM and the tests: thin wrappers over
 * the /dev/lazyfpu ioctls that report errors with errno intact.
 */
#ifndef _LAZYFPU_TOOLS_VMM_H
#define _LAZYFPU_TOOLS_VMM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/lazyfpu.h>

struct lfpu_vm {
	int sys_fd;
	int vm_fd;
	uint8_t *mem;
	size_t mem_size;
};

struct lfpu_vcpu {
	int fd;
	int id;
	struct lazyfpu_run *run;
};

/* Each returns 0, or -1 with errno set. */
int lfpu_vm_create(struct lfpu_vm *vm, size_t mem_size, int policy);
int lfpu_vm_load(struct lfpu_vm *vm, const char *source, char *err, size_t errlen);
void lfpu_vm_destroy(struct lfpu_vm *vm);
int lfpu_vcpu_create(struct lfpu_vm *vm, struct lfpu_vcpu *vcpu, int id);
void lfpu_vcpu_destroy(struct lfpu_vcpu *vcpu);
int lfpu_vcpu_run(struct lfpu_vcpu *vcpu);
int lfpu_vcpu_stats(struct lfpu_vcpu *vcpu, struct lazyfpu_vcpu_stats *st);
long lfpu_fpu_state_size(struct lfpu_vm *vm);
int lfpu_vcpu_get_fpu(struct lfpu_vcpu *vcpu, void *buf, uint32_t size);
int lfpu_vcpu_set_fpu(struct lfpu_vcpu *vcpu, const void *buf, uint32_t size);

const char *lfpu_exit_name(uint32_t reason);
const char *lfpu_backend_name(uint32_t backend);
const char *lfpu_policy_name(int policy);
int lfpu_policy_from_name(const char *name);

#endif
