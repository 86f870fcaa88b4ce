/* exit_status.h -- the exit statuses of every shadowgd command, shared by
 * all layers (the I/O layer reports usage and I/O errors with them too). */
#ifndef SG_EXIT_STATUS_H
#define SG_EXIT_STATUS_H

enum { SG_EXIT_OK = 0, SG_EXIT_FAIL = 1, SG_EXIT_USAGE = 2, SG_EXIT_DIVERGED = 3 };

#endif
