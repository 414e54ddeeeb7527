#ifndef COLLABGRID_CNCURSESW_SHIM_H
#define COLLABGRID_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags, so wide-character support is switched on here.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/ncurses.h>

// ncurses globals and macros that Swift cannot import directly.
static inline WINDOW *cg_stdscr(void) { return stdscr; }
static inline int cg_color_pair(int n) { return COLOR_PAIR(n); }
static inline int cg_colors(void) { return COLORS; }
static inline int cg_lines(void) { return LINES; }
static inline int cg_cols(void) { return COLS; }
static inline attr_t cg_a_bold(void) { return A_BOLD; }
static inline attr_t cg_a_reverse(void) { return A_REVERSE; }
static inline attr_t cg_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cg_a_dim(void) { return A_DIM; }
static inline int cg_color_pairs(void) { return COLOR_PAIRS; }
static inline int cg_key_f(int n) { return KEY_F(n); }
// The C library's width of a character, which is what curses lays text out by (declared here
// because glibc hides it without _XOPEN_SOURCE, which SwiftPM does not pass).
extern int wcwidth(wchar_t c);
static inline int cg_wcwidth(wchar_t c) { return wcwidth(c); }
#endif
