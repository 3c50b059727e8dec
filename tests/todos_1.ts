// La primera mitad de la suite: ver tests/todos.ts.
import { importarTests } from "./todos.ts";

await importarTests(1, 2);
