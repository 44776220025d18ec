import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a zip front to back with java.util.zip.ZipInputStream (a streaming reader: it trusts the local headers and
 * never looks at the central directory) and prints one line per entry: method, size, sha256, and the name's UTF-8 bytes in hex.
 */
public class ZipStreamCheck {
  public static void main(String[] args) throws Exception {
    try (InputStream file = new BufferedInputStream(new FileInputStream(args[0]), 1 << 20);
        ZipInputStream zip = new ZipInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      ZipEntry entry;
      StringBuilder out = new StringBuilder();
      while ((entry = zip.getNextEntry()) != null) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long size = 0;
        for (int n; (n = zip.read(buf)) > 0; size += n) sha.update(buf, 0, n);
        out.append(entry.getMethod()).append('\t').append(size).append('\t')
            .append(HexFormat.of().formatHex(sha.digest())).append('\t').append(HexFormat.of().formatHex(entry.getName().getBytes(StandardCharsets.UTF_8))).append('\n');
      }
      System.out.print(out);
    }
  }
}
