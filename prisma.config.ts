// Prisma 7 reads the connection URL for `prisma migrate dev` (npm run db:migrate) from here.
// `prisma generate` and everything redshift-views does work without it.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "mysql://root@localhost:3306/learning_platform" },
});
