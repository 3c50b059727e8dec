// La parte 3 de 4 de la suite. Cuatro ficheros y no uno por test: Deno arranca un motor
// por fichero (0,3 s de CPU cada uno); el porqué, con números, en tests/todos.ts.
import { importarTests } from "./todos.ts";

await importarTests(3, 4);
