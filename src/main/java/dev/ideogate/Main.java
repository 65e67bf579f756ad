package dev.ideogate; public class Main { public static void main(String[] a){} }
