/* figure.h -- the mechanics every model's figures share: is gnuplot on
 * PATH, does trajectory.csv have a column, and drawing one PNG from a
 * script so that it appears complete or not at all (a private temporary
 * directory, gnuplot's exit status, a PNG signature, fsync, rename; a hung
 * gnuplot is killed after SHADOWGD_GNUPLOT_TIMEOUT seconds, default 120). */
#ifndef SG_FIGURE_H
#define SG_FIGURE_H

#include <stddef.h>

/* 1 if an executable 'gnuplot' is on PATH */
int sg_have_gnuplot(void);

/* 1 when the header line of DIR/trajectory.csv has the column name */
int sg_csv_has_column(const char *dir, const char *name);

/* DIR/SCRIPT draws PNG (reading trajectory.csv): 0, or -1 with the reason
   in why; nothing is left under the PNG's name on failure */
int sg_figure_draw(const char *dir, const char *script, const char *png, char *why,
                   size_t wlen);

#endif
