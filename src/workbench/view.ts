// What a workbench view is: a tab with an id (its #hash), a title, and a mount function that
// renders into the main element. A view keeps its own state; the shell only switches tabs.

export interface View {
  id: string
  title: string
  mount: (root: HTMLElement) => void | Promise<void>
}
