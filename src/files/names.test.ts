import { describe, expect, it } from "bun:test"
import { extractExtension, fileSnakeCase, lastPathSegment, storedFileName } from "./names.ts"

const R = "[a-z0-9]{10}"

// [sent name, detected extension, stored name as PocketBase v0.40.6 forms it (R: 10 random characters)]
const STORED: Array<[string, string, string]> = [
  ["My Photo.TXT", ".txt", "my_photo_R.TXT"],
  ["../../../etc/passwd", ".txt", "passwd_R.txt"],
  ["../../../etc/passwd", "", "passwd_R"],
  ["/abs/path/photo.PNG", "", "photo_R.PNG"],
  ["a/b/.hidden", "", "R_R.hidden"],
  ["dir/", ".png", "dir_R.png"],
  ["..\\..\\windows\\cmd.exe", "", "R_R.windowscmd.exe"],
  ["/", ".txt", "R_R.txt"],
  ["..", ".txt", "R_R.txt"],
  ["...", "", "R_R"],
  ["name.", ".txt", "name_R.txt"],
  ["a..b", "", "aR_R.b"],
  ["x.tar..gz", "", "x_tar_R.gz"],
  ["ab", ".txt", "abR_R.txt"],
  ["p.png", "", "pR_R.png"],
  ["a.b.c", "", "aR_R.b.c"],
  ["readme", ".txt", "readme_R.txt"],
  ["bad.p<>ng", "", "bad_R.png"],
  ["Ünïcödé Fïlé.txt", "", "n_c_d_f_l_R.txt"],
  ["日本語.txt", "", "R_R.txt"],
  ["CamelCaseNAMEFile.Md", "", "camel_case_namefile_R.Md"],
  ["%2e%2e%2fetc%2fpasswd", "", "2e_2e_2fetc_2fpasswd_R"],
  ["x".repeat(150) + ".png", "", `${"x".repeat(100)}_R.png`],
  ["A".repeat(150) + ".png", "", `${"a".repeat(100)}_R.png`],
  ["file.abcdefghijklmnopqrstuvwxyz", "", "file_R.ghijklmnopqrstuvwxyz"],
  ["file.abcdefghijklmnopqrstuvwxyz.zip", "", "file_R.klmnopqrstuvwxyz.zip"],
  ["x." + "b".repeat(30), "", `xR_R.${"b".repeat(20)}`],
  ["..." + "z".repeat(25) + "..", ".txt", `${"z".repeat(15)}R_R.txt`],
  // Only the last 300 bytes count: the name part is cut away, the extension stays.
  ["n".repeat(50) + "." + "é".repeat(200), ".txt", "R_R.txt"],
  ["a".repeat(290) + "éé.png", "", `${"a".repeat(100)}_R.png`],
]

describe("stored file names", () => {
  it.each(STORED)("stores %p (detected %p) as %p", (sent, detected, pattern) => {
    expect(storedFileName(sent, detected)).toMatch(new RegExp(`^${pattern.replaceAll(".", "\\.").replaceAll("R", R)}$`))
  })
  it("takes the last path segment the way Go's multipart reader does", () => {
    expect(lastPathSegment("../../etc/passwd")).toBe("passwd")
    expect(lastPathSegment("dir//")).toBe("dir")
    expect(lastPathSegment("//")).toBe("/")
    expect(lastPathSegment("")).toBe(".")
    expect(lastPathSegment("a\\b")).toBe("a\\b")
  })
  it("keeps double extensions (as seen on PocketBase v0.40.6)", () => {
    expect(extractExtension("a.tar.gz")).toBe(".tar.gz")
    expect(extractExtension("a.b.c")).toBe(".b.c")
    expect(extractExtension("noext")).toBe("")
  })
  it("splits at every non-ASCII-word character like Go's \\W", () => {
    expect(fileSnakeCase("myTestDB file")).toBe("my_test_db_file")
    expect(fileSnakeCase("café-menu")).toBe("caf_menu")
  })
})
