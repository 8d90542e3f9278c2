/* wc: counts the lines, words and bytes of stdin, read in odd-sized chunks with read(2), and the
 * frequency of each letter. */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[777];
  long lines = 0, words = 0, bytes = 0, freq[26] = {0};
  int in_word = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)buf[i];
      bytes++;
      if (c == '\n') lines++;
      if (isspace(c)) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        words++;
      }
      if (isalpha(c)) freq[tolower(c) - 'a']++;
    }
  }
  if (n < 0) {
    perror("read");
    return 1;
  }
  printf("%7ld %7ld %7ld\n", lines, words, bytes);
  for (int i = 0; i < 26; i++) {
    if (freq[i]) printf("%c:%ld%c", 'a' + i, freq[i], i == 25 ? '\n' : ' ');
  }
  printf("\n");
  return 0;
}
