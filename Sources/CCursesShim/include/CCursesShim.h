// curses defines these as macros, which Swift cannot import; here they are functions.
#ifndef CCURSES_SHIM_H
#define CCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

int hv_color_pair(int n);
int hv_attr_bold(void);
int hv_attr_reverse(void);
int hv_attr_dim(void);
int hv_key_resize(void);
int hv_key_up(void);
int hv_key_down(void);
int hv_key_left(void);
int hv_key_home(void);
int hv_key_end(void);
int hv_key_page_up(void);
int hv_key_page_down(void);
int hv_key_right(void);
int hv_key_enter(void);
int hv_err(void);
// Globals Swift 6 refuses to touch (shared mutable state), read through functions.
WINDOW *hv_stdscr(void);
int hv_colors(void);
int hv_color_pairs(void);
#endif
