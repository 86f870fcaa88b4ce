/* resume.h -- `shadowgd resume DIR` (see run/checkpoint.h for the format). */
#ifndef SG_RESUME_H
#define SG_RESUME_H

#include "run/run.h"

/* argv[0] is "resume".  Returns the exit status. */
int sg_resume_main(int argc, char **argv);

#endif
