/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations of the VMM layer (vmm/): the /dev/lazyfpu device
 * and its ioctls.
 */
#ifndef _LAZYFPU_VMM_H
#define _LAZYFPU_VMM_H

int lfpu_dev_init(void);
void lfpu_dev_exit(void);
long lfpu_system_ioctl(unsigned int cmd, unsigned long arg);

#endif /* _LAZYFPU_VMM_H */
