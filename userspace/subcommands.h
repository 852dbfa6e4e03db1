/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PCIGUARD_SUBCOMMANDS_H
#define PCIGUARD_SUBCOMMANDS_H

int list_main(int argc, char **argv);
int show_main(int argc, char **argv);
int usb_main(int argc, char **argv);
int hide_main(int argc, char **argv);
int release_main(int argc, char **argv);
int monitor_main(int argc, char **argv);
int check_main(int argc, char **argv);
int cmdline_main(int argc, char **argv);
int assign_main(int argc, char **argv);
int detach_main(int argc, char **argv);
int restore_main(int argc, char **argv);
int forget_main(int argc, char **argv);

#endif
