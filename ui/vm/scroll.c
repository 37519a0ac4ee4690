#include "ui/vm/scroll.h"

#include <stddef.h>

bool
scroll_action(int *scroll, enum action a, int page, bool *moved)
{
    int before = *scroll, step = page > 1 ? page : 1;

    if (a == ACTION_UP)
        *scroll -= 1;
    else if (a == ACTION_DOWN)
        *scroll += 1;
    else if (a == ACTION_PAGE_UP)
        *scroll -= step;
    else if (a == ACTION_PAGE_DOWN)
        *scroll += step;
    else if (a == ACTION_TOP)
        *scroll = 0;
    else if (a == ACTION_BOTTOM)
        *scroll = 1 << 20; /* clamped by the pane's next build */
    else
        return false;
    if (*scroll < 0)
        *scroll = 0;
    if (moved != NULL)
        *moved = *scroll != before;
    return true;
}

int
scroll_keep(int top, int cur, int rows, int n)
{
    if (cur < top)
        top = cur;
    if (rows > 0 && cur >= top + rows)
        top = cur - rows + 1;
    if (top > 0 && top + rows > n)
        top = n > rows ? n - rows : 0;
    return top < 0 ? 0 : top;
}
