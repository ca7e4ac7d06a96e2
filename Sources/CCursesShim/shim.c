#include "CCursesShim.h"

int hv_color_pair(int n) { return COLOR_PAIR(n); }
int hv_attr_bold(void) { return A_BOLD; }
int hv_attr_reverse(void) { return A_REVERSE; }
int hv_attr_dim(void) { return A_DIM; }
int hv_key_resize(void) { return KEY_RESIZE; }
int hv_key_up(void) { return KEY_UP; }
int hv_key_down(void) { return KEY_DOWN; }
int hv_key_left(void) { return KEY_LEFT; }
int hv_key_home(void) { return KEY_HOME; }
int hv_key_end(void) { return KEY_END; }
int hv_key_page_up(void) { return KEY_PPAGE; }
int hv_key_page_down(void) { return KEY_NPAGE; }
int hv_key_right(void) { return KEY_RIGHT; }
int hv_key_enter(void) { return KEY_ENTER; }
int hv_err(void) { return ERR; }
WINDOW *hv_stdscr(void) { return stdscr; }
int hv_colors(void) { return COLORS; }
int hv_color_pairs(void) { return COLOR_PAIRS; }
