// Minimal declarations of the untyped RDF/JS packages dcat-ap.ts uses.
declare module '@rdfjs/data-model' {
  import type { DataFactory } from '@rdfjs/types';
  const factory: DataFactory;
  export default factory;
}
declare module '@rdfjs/dataset' {
  import type { DatasetCore } from '@rdfjs/types';
  const datasets: { dataset(): DatasetCore };
  export default datasets;
}
declare module 'shacl-engine/Validator.js' {
  import type { DatasetCore, Term } from '@rdfjs/types';
  export interface ShaclResult {
    severity?: Term;
    focusNode?: { term?: Term };
    path?: { predicates?: Term[]; quantifier?: string; start?: string }[];
    value?: { term?: Term };
    message?: Term[];
    constraintComponent?: Term;
  }
  export default class Validator {
    constructor(shapes: DatasetCore, options: { factory: unknown });
    validate(data: { dataset: DatasetCore }): Promise<{ conforms: boolean; results: ShaclResult[] }>;
  }
}
declare module 'n3' {
  import type { DataFactory, Quad } from '@rdfjs/types';
  export class Parser {
    constructor(options?: { factory?: DataFactory; baseIRI?: string });
    parse(input: string): Quad[];
  }
}
