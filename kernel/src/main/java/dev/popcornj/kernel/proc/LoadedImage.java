package dev.popcornj.kernel.proc;

/**
 * Where a program landed in its address space: what the initial stack's auxiliary vector and the
 * first instruction need.
 *
 * @param entry the address of the first instruction (AT_ENTRY)
 * @param loadBias what was added to every p_vaddr (0 for ET_EXEC)
 * @param phdr the address of the program headers in memory (AT_PHDR)
 * @param phnum how many program headers (AT_PHNUM)
 * @param phent the size of one (AT_PHENT)
 * @param heapStart the page-aligned initial program break, just past the highest segment
 */
public record LoadedImage(
    long entry, long loadBias, long phdr, int phnum, int phent, long heapStart) {}
