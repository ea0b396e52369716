/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOGROUP_VERSION_H
#define _IOGROUP_VERSION_H
#define IOGROUP_VERSION "0.1.0"
#endif /* _IOGROUP_VERSION_H */
