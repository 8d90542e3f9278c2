/* false: fails, doing nothing. */
int main(void) { return 1; }
