/**
 * @module
 * A collection's records: filter with the filter language, sort by any column, page through,
 * expand relations; each row opens the record form.
 */
import { useEffect, useState } from "preact/hooks"
import type { CollectionField, CollectionModel, ListResult, RecordModel } from "pocketbase"
import { errorMessage, pb } from "../api.ts"
import { Input, Notice, Select } from "../components/form.tsx"
import { cellText, fileUrl, isImage, recordLabel } from "../record-values.ts"
import { href } from "../router.ts"

const PAGE_SIZES = ["20", "50", "100"]

function Cell({ field, record }: { field: CollectionField; record: RecordModel }) {
  const value = record[field.name]
  if (field.type === "file") {
    const names: string[] = Array.isArray(value) ? value : value ? [value] : []
    return (
      <span class="files">
        {names.map((name) => (field.protected || !isImage(name)
          ? <span key={name} class="file-chip">{name}</span>
          : <img key={name} src={fileUrl(record, name)} alt={name} loading="lazy" class="thumb" />))}
      </span>
    )
  }
  if (field.type === "relation" && record.expand?.[field.name]) {
    const expanded = record.expand[field.name] as RecordModel | RecordModel[]
    return <span>{(Array.isArray(expanded) ? expanded : [expanded]).map((r) => recordLabel(r, undefined)).join(", ")}</span>
  }
  return <span>{cellText(field, value)}</span>
}

export function RecordsBrowser({ collection: idOrName }: { collection: string }) {
  const [collection, setCollection] = useState<CollectionModel | null>(null)
  const [result, setResult] = useState<ListResult<RecordModel> | null>(null)
  const [filterText, setFilterText] = useState("")
  const [expandText, setExpandText] = useState("")
  const [query, setQuery] = useState({ filter: "", expand: "", sort: "-created", page: 1, perPage: 20 })
  const [failure, setFailure] = useState("")

  useEffect(() => {
    setCollection(null)
    pb.collections.getOne(idOrName).then(setCollection, (error) => setFailure(errorMessage(error)))
  }, [idOrName])

  useEffect(() => {
    if (!collection) return
    const sort = collection.fields.some((f) => f.name === query.sort.replace(/^-/, "")) ? query.sort : ""
    setFailure("")
    pb.collection(collection.id).getList(query.page, query.perPage, { filter: query.filter, sort, expand: query.expand }).then(setResult, (error) => {
      setResult(null)
      setFailure(errorMessage(error))
    })
  }, [collection, query])

  if (!collection) return failure ? <Notice kind="error">{failure}</Notice> : <p>Loading…</p>
  const columns = collection.fields.filter((f) => f.type !== "password" && f.name !== "tokenKey")
  const sortBy = (name: string) => setQuery({ ...query, sort: query.sort === name ? `-${name}` : name, page: 1 })
  const apply = (event: Event) => {
    event.preventDefault()
    setQuery({ ...query, filter: filterText, expand: expandText, page: 1 })
  }
  const totalPages = result?.totalPages ?? 1

  return (
    <section aria-labelledby="records-title">
      <header class="page-head">
        <h1 id="records-title">{collection.name} <small class="hint">records</small></h1>
        <div class="actions">
          {collection.type !== "view" && <a class="button" href={href(`collections/${collection.name}/records/new`)}>New record</a>}
          <a class="button secondary" href={href(`collections/${collection.name}/edit`)}>Edit schema</a>
        </div>
      </header>
      <form class="toolbar" onSubmit={apply} role="search">
        <Input label="Filter" value={filterText} onValue={setFilterText} placeholder={`e.g. created > "2024-01-01" && title ~ "hello"`} class="mono" />
        <Input label="Expand" value={expandText} onValue={setExpandText} placeholder="relation field names, comma separated" class="mono" />
        <button type="submit">Apply</button>
      </form>
      {failure && <Notice kind="error">{failure}</Notice>}
      {result && (
        <>
          <div class="table-wrap">
            <table aria-describedby="records-count">
              <thead>
                <tr>
                  {columns.map((field) => {
                    const direction = query.sort === field.name ? "ascending" : query.sort === `-${field.name}` ? "descending" : undefined
                    return (
                      <th key={field.name} scope="col" aria-sort={direction}>
                        <button type="button" class="sort" onClick={() => sortBy(field.name)}>
                          {field.name} {direction === "ascending" ? "▲" : direction === "descending" ? "▼" : ""}
                        </button>
                      </th>
                    )
                  })}
                </tr>
              </thead>
              <tbody>
                {result.items.map((record) => (
                  <tr key={record.id}>
                    {columns.map((field) => (
                      <td key={field.name}>
                        {field.name === "id"
                          ? <a href={href(`collections/${collection.name}/records/${record.id}`)} aria-label={`Open record ${record.id}`}>{record.id}</a>
                          : <Cell field={field} record={record} />}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.items.length === 0 && <p class="empty">No records match.</p>}
          <nav class="pager" aria-label="Pages">
            <button type="button" class="secondary" disabled={query.page <= 1} onClick={() => setQuery({ ...query, page: query.page - 1 })}>Previous</button>
            <span id="records-count">Page {result.page} of {Math.max(1, totalPages)} · {result.totalItems} records</span>
            <button type="button" class="secondary" disabled={query.page >= totalPages} onClick={() => setQuery({ ...query, page: query.page + 1 })}>Next</button>
            <Select label="Per page" value={String(query.perPage)} options={PAGE_SIZES.map((size): [string, string] => [size, size])}
              onValue={(size) => setQuery({ ...query, perPage: Number(size), page: 1 })} />
          </nav>
        </>
      )}
    </section>
  )
}
