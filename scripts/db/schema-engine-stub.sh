#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded offline. See prisma.config.ts.
echo "the native schema engine is not used here; run npm run db:migrate" >&2
exit 1
