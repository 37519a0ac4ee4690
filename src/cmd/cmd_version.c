#include <stdio.h>

#include "cmd/cmd.h"

int
cmd_version_exec(struct cmd_ctx *ctx)
{
    if (ctx->argc != 0)
        return cmd_usage(cmd_find("version"), "«version» no lleva argumentos");
    if (ctx->json)
        printf("{\"version\":\"%s\",\"rev\":\"%s\"}\n", EMBUDO_VERSION, EMBUDO_GITREV);
    else
        printf("embudo %s (%s)\n", EMBUDO_VERSION, EMBUDO_GITREV);
    return 0;
}
