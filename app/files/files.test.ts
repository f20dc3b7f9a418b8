import { describe, expect, it } from "vitest";
import { checkUpload, cleanFileName, detectContentType } from "./files";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("detectContentType", () => {
  it("recognises the accepted formats by their magic bytes", () => {
    expect(detectContentType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("image/jpeg");
    expect(detectContentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe("image/png");
    expect(detectContentType(new TextEncoder().encode("RIFF\u0000\u0000\u0000\u0000WEBPVP8 "))).toBe("image/webp");
    expect(detectContentType(new TextEncoder().encode("%PDF-1.7"))).toBe("application/pdf");
  });
  it("refuses anything else, whatever its name says", () => {
    expect(detectContentType(new TextEncoder().encode("<svg xmlns="))).toBeNull();
    expect(detectContentType(new TextEncoder().encode("<html>"))).toBeNull();
    expect(detectContentType(bytes())).toBeNull();
  });
});

describe("checkUpload", () => {
  it("applies the type and size limits of the purpose", () => {
    expect(checkUpload("image", 1000, "image/png")).toBeNull();
    expect(checkUpload("image", 1000, "application/pdf")).toBe("fileTypeNotAllowed");
    expect(checkUpload("document", 1000, "application/pdf")).toBeNull();
    expect(checkUpload("image", 6 * 1024 * 1024, "image/png")).toBe("fileTooLarge");
    expect(checkUpload("document", 0, null)).toBe("fileRequired");
  });
});

describe("cleanFileName", () => {
  it("drops paths and unsafe characters", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName('C:\\Users\\me\\영수증 "1".pdf')).toBe("영수증 1.pdf");
    expect(cleanFileName("\u0000")).toBe("file");
  });
});
