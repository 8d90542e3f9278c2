/* true: succeeds, doing nothing. */
int main(void) { return 0; }
