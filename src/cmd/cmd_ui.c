/*
 * cmd_ui — `embudo [ui]`: the terminal client. Also what runs with no command.
 */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/config.h"
#include "ui/app.h"
#include "util/err.h"

int
cmd_ui_exec(struct cmd_ctx *ctx)
{
    struct err e = { 0 };

    if (ctx->argc != 0)
        return cmd_usage(cmd_find("ui"), "«ui» no lleva argumentos");
    if (ctx->json)
        return cmd_usage(cmd_find("ui"), "--json no aplica al cliente de terminal");
    if (app_run(ctx->cfg, ctx->as_login, &e) != RC_OK)
        return cmd_fail("%s", e.msg);
    return 0;
}
