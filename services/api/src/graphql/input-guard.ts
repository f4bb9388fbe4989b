import { textProblem } from '@registry/schema';
import {
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badInput, type InputIssue } from './problems.js';

/** Deeper input than any argument of this API needs; deeper is refused before anything walks it. */
const MAX_INPUT_DEPTH = 32;

/**
 * Refuses, before anything executes, every request whose arguments or variables hold a text
 * that cannot be stored or searched: NUL and other control characters (tab and line breaks
 * aside), lone UTF-16 surrogates, keys of the same kind, and input nested deeper than any
 * argument needs. One check at the edge for every field, so no resolver or database sees such
 * a value and no new field can forget it. The zod schemas check the same texts again for
 * writers that do not come through GraphQL.
 */
export function inputGuard(): Plugin {
  const check = (document: DocumentNode, variables: unknown): GraphQLError | undefined => {
    const issues: InputIssue[] = [];
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
        walkDirectives(definition.directives, '', issues);
        if (definition.kind === Kind.OPERATION_DEFINITION) {
          for (const v of definition.variableDefinitions ?? []) {
            if (v.defaultValue) walkLiteral(v.defaultValue, `$${v.variable.name.value}`, issues, 0);
          }
        }
        walkSelections(definition.selectionSet, '', issues);
      }
    }
    if (variables !== null && typeof variables === 'object') {
      for (const [name, value] of Object.entries(variables)) walkJson(value, `$${name}`, issues, 0);
    }
    if (issues.length === 0) return undefined;
    const [first, ...rest] = issues as [InputIssue, ...InputIssue[]];
    return badInput(first.path, first.message, rest.slice(0, 19));
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

function walkSelections(set: SelectionSetNode | undefined, path: string, issues: InputIssue[]): void {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const name = `${path}${path ? '.' : ''}${(selection.alias ?? selection.name).value}`;
      walkArguments(selection.arguments, name, issues);
      walkDirectives(selection.directives, name, issues);
      walkSelections(selection.selectionSet, name, issues);
    } else {
      walkDirectives(selection.directives, path, issues);
      if (selection.kind === Kind.INLINE_FRAGMENT) walkSelections(selection.selectionSet, path, issues);
    }
  }
}

function walkDirectives(directives: readonly DirectiveNode[] | undefined, path: string, issues: InputIssue[]): void {
  for (const d of directives ?? []) walkArguments(d.arguments, `${path}@${d.name.value}`, issues);
}

function walkArguments(args: readonly ArgumentNode[] | undefined, path: string, issues: InputIssue[]): void {
  for (const a of args ?? []) walkLiteral(a.value, `${path}(${a.name.value})`, issues, 0);
}

function walkLiteral(node: ValueNode, path: string, issues: InputIssue[], depth: number): void {
  if (depth > MAX_INPUT_DEPTH) {
    issues.push({ path, message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` });
    return;
  }
  if (node.kind === Kind.STRING) {
    const problem = textProblem(node.value);
    if (problem) issues.push({ path, message: problem });
  } else if (node.kind === Kind.LIST) {
    node.values.forEach((v, i) => {
      walkLiteral(v, `${path}.${i}`, issues, depth + 1);
    });
  } else if (node.kind === Kind.OBJECT) {
    for (const f of node.fields) walkLiteral(f.value, `${path}.${f.name.value}`, issues, depth + 1);
  }
}

function walkJson(value: unknown, path: string, issues: InputIssue[], depth: number): void {
  if (depth > MAX_INPUT_DEPTH) {
    issues.push({ path, message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` });
    return;
  }
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) issues.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walkJson(v, `${path}.${i}`, issues, depth + 1);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) issues.push({ path: `${path} (a key)`, message: problem });
      walkJson(v, `${path}.${key}`, issues, depth + 1);
    }
  }
}
